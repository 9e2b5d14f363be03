// Styles of the reports page: pickers in a row, figures in a grid of cards,
// charts beside each other on a wide screen, tables that scroll sideways on a phone.
import { css } from 'lit';

export const reportsStyles = css`
  form.pickers {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem 1rem;
    align-items: end;
    margin-bottom: 1rem;
  }
  form.pickers label {
    display: flex;
    flex-direction: column;
    gap: 0.2rem;
    font-size: 0.9rem;
    color: var(--muted);
  }
  .period {
    color: var(--muted);
    margin: 0 0 1rem;
  }
  .figures {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr));
    gap: 0.75rem;
    margin: 0 0 1.5rem;
    padding: 0;
  }
  .figures div {
    border: 1px solid var(--line);
    border-radius: 8px;
    padding: 0.6rem 0.8rem;
    background: var(--panel);
  }
  .figures dt {
    color: var(--muted);
    font-size: 0.85rem;
  }
  .figures dd {
    margin: 0;
    font-size: 1.5rem;
    font-variant-numeric: tabular-nums;
  }
  .charts {
    display: grid;
    grid-template-columns: 2fr 1fr;
    gap: 1rem;
    margin-bottom: 1.5rem;
  }
  @media (max-width: 48rem) {
    .charts {
      grid-template-columns: 1fr;
    }
  }
  section.table {
    overflow-x: auto;
    margin-bottom: 1.5rem;
  }
  .table-head {
    display: flex;
    gap: 1rem;
    align-items: baseline;
    justify-content: space-between;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    text-align: left;
    padding: 0.35rem 0.6rem;
    border-bottom: 1px solid var(--line);
  }
  td.n,
  th.n {
    text-align: right;
  }
  a.csv {
    font-size: 0.9rem;
  }
`;
