// Styles of the wallboard page: queue cards in a wrapping grid, big figures
// readable from across a room, and the waiting callers' list.
import { css } from 'lit';

export const monitorStyles = css`
  .status {
    color: var(--muted);
    margin: -0.5rem 0 1rem;
  }
  .status.stale {
    color: var(--danger);
  }
  .cards {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(19rem, 1fr));
    gap: 1rem;
    margin-bottom: 1.5rem;
  }
  .card {
    border: 1px solid var(--line);
    border-radius: 8px;
    padding: 0.9rem 1rem;
    background: var(--panel);
  }
  .card h2 {
    margin-bottom: 0.5rem;
  }
  .figures {
    display: flex;
    gap: 1.5rem;
    margin-bottom: 0.6rem;
  }
  .figure {
    display: flex;
    flex-direction: column;
  }
  .figure .value {
    font-size: 2rem;
    font-weight: 700;
    line-height: 1.1;
    font-variant-numeric: tabular-nums;
  }
  .figure .label,
  .today {
    color: var(--muted);
    font-size: 0.9rem;
  }
  .card.busy .waiting .value {
    color: var(--danger);
  }
  dl.agents {
    display: grid;
    grid-template-columns: repeat(5, auto);
    gap: 0 0.75rem;
    margin: 0 0 0.6rem;
  }
  dl.agents div {
    display: flex;
    flex-direction: column-reverse;
  }
  dl.agents dt {
    font-size: 0.8rem;
    color: var(--muted);
  }
  dl.agents dd {
    margin: 0;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  .today {
    margin: 0;
  }
  table.callers {
    border-collapse: collapse;
    width: 100%;
    margin-bottom: 1.5rem;
  }
  table.callers th,
  table.callers td {
    text-align: left;
    padding: 0.35rem 0.6rem;
    border-bottom: 1px solid var(--line);
  }
  table.callers td.wait {
    font-variant-numeric: tabular-nums;
  }
  .empty {
    color: var(--muted);
  }
`;
