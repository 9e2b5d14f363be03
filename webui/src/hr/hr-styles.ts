// Styles of the HR page and its dialogs.
import { css } from 'lit';

export const credentialsStyles = css`
  .warning {
    border-left: 4px solid #c77700;
    background: #fff8e6;
    padding: 0.6rem 0.8rem;
    margin: 0 0 1rem;
  }
  .credential {
    margin-bottom: 0.75rem;
  }
  .copy-row {
    display: flex;
    gap: 0.5rem;
  }
  .copy-row input {
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
  }
  .copied {
    min-height: 1.4em;
    color: var(--ok);
    margin: 0;
  }
`;

export const hrStyles = css`
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    align-items: end;
    margin-bottom: 1rem;
  }
  .toolbar .grow {
    flex: 1 1 16rem;
  }
  .toolbar .field {
    margin: 0;
  }
  .stats {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
    gap: 0.75rem;
    margin-bottom: 1.25rem;
  }
  .card {
    background: var(--panel);
    border: 1px solid var(--line);
    border-radius: 8px;
    padding: 0.75rem 1rem;
  }
  .card .value {
    font-size: 1.6rem;
    font-weight: 700;
  }
  .card .label {
    color: var(--muted);
    font-size: 0.85rem;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    background: var(--panel);
  }
  th,
  td {
    text-align: left;
    padding: 0.5rem 0.6rem;
    border-bottom: 1px solid var(--line);
    vertical-align: middle;
  }
  th {
    font-size: 0.85rem;
    color: var(--muted);
    font-weight: 600;
  }
  td.actions-cell {
    white-space: nowrap;
  }
  td.actions-cell button {
    margin: 0.1rem;
  }
  .badge {
    display: inline-block;
    border-radius: 999px;
    padding: 0.05rem 0.55rem;
    font-size: 0.8rem;
    border: 1px solid var(--line);
    margin-right: 0.25rem;
    white-space: nowrap;
  }
  .badge.ok {
    color: var(--ok);
    border-color: #b7dcc3;
    background: #f2fbf5;
  }
  .badge.off {
    color: var(--muted);
  }
  .badge.warn {
    color: #8a5300;
    border-color: #f0d49c;
    background: #fff8e6;
  }
  .badge.state-available {
    color: var(--ok);
    border-color: #b7dcc3;
    background: #f2fbf5;
  }
  .badge.state-paused {
    color: #8a5300;
    border-color: #f0d49c;
    background: #fff8e6;
  }
  .badge.state-signed-out {
    color: var(--muted);
  }
  .badge.state-on-call {
    color: var(--accent);
    border-color: #a8c7fa;
    background: #eef4ff;
  }
  .state-unknown {
    color: var(--muted);
    cursor: help;
  }
  fieldset {
    border: 1px solid var(--line);
    border-radius: 6px;
    padding: 0.5rem 0.75rem;
  }
  legend {
    font-weight: 600;
    padding: 0 0.25rem;
  }
  label.choice {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    font-weight: 400;
    margin: 0.35rem 0;
  }
  label.choice input {
    width: auto;
    margin: 0;
  }
  .pager {
    display: flex;
    gap: 0.75rem;
    align-items: center;
    justify-content: flex-end;
    margin-top: 0.75rem;
  }
  .mono {
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
    font-size: 0.9em;
  }
  @media (max-width: 720px) {
    thead {
      display: none;
    }
    tr {
      display: block;
      border-bottom: 1px solid var(--line);
      padding: 0.5rem 0;
    }
    td {
      display: block;
      border: 0;
      padding: 0.15rem 0.4rem;
    }
    td[data-label]::before {
      content: attr(data-label) ': ';
      color: var(--muted);
      font-size: 0.85rem;
    }
  }
`;
