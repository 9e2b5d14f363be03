// Shared look: system fonts, one accent colour, visible focus, and layouts
// that fold to one column on a phone-sized screen.
import { css } from 'lit';
import { visuallyHidden } from './visually-hidden.ts';

export const pageStyles = [
  visuallyHidden,
  css`
  :host {
    display: block;
    color: #1c2330;
    font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --accent: #1d5fd1;
    --danger: #b3261e;
    --ok: #1b7a3d;
    --muted: #5b6576;
    --line: #d9dee7;
    --panel: #ffffff;
  }
  h1 {
    font-size: 1.4rem;
    margin: 0 0 1rem;
  }
  h2 {
    font-size: 1.1rem;
    margin: 0 0 0.75rem;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
  }
  button {
    border: 1px solid var(--line);
    background: #f4f6fa;
    color: inherit;
    border-radius: 6px;
    padding: 0.4rem 0.8rem;
    cursor: pointer;
    min-height: 2.25rem;
  }
  button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: #fff;
  }
  button.danger {
    color: var(--danger);
    border-color: #e8b4b0;
    background: #fff6f5;
  }
  button:disabled {
    opacity: 0.55;
    cursor: default;
  }
  :focus-visible {
    outline: 3px solid #8ab4ff;
    outline-offset: 2px;
  }
  label {
    display: block;
    font-weight: 600;
    margin-bottom: 0.25rem;
  }
  input,
  select,
  textarea {
    box-sizing: border-box;
    width: 100%;
    border: 1px solid #b8c0cc;
    border-radius: 6px;
    padding: 0.45rem 0.6rem;
    background: #fff;
  }
  input[aria-invalid='true'],
  textarea[aria-invalid='true'] {
    border-color: var(--danger);
  }
  .field {
    margin-bottom: 0.9rem;
  }
  .hint {
    color: var(--muted);
    font-size: 0.85rem;
    margin: 0.2rem 0 0;
  }
  .field-error {
    color: var(--danger);
    font-size: 0.88rem;
    margin: 0.25rem 0 0;
  }
  .alert,
  .notice {
    border-radius: 6px;
    padding: 0.6rem 0.8rem;
    margin: 0 0 1rem;
  }
  .alert {
    border: 1px solid #e8b4b0;
    background: #fff6f5;
    color: var(--danger);
  }
  .notice {
    border: 1px solid #b7dcc3;
    background: #f2fbf5;
    color: var(--ok);
  }
  dialog {
    border: 1px solid var(--line);
    border-radius: 10px;
    padding: 1.25rem;
    width: min(32rem, calc(100vw - 2rem));
    box-sizing: border-box;
  }
  dialog::backdrop {
    background: rgb(20 28 40 / 45%);
  }
  .actions {
    display: flex;
    gap: 0.5rem;
    justify-content: flex-end;
    flex-wrap: wrap;
    margin-top: 1rem;
  }
`,
];

export const loginStyles = css`
  .login {
    max-width: 24rem;
    margin: 3rem auto;
    padding: 1.5rem;
    background: var(--panel);
    border: 1px solid var(--line);
    border-radius: 10px;
  }
`;
