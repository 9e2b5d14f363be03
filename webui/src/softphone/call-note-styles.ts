// Styles of <sb-call-note>: the phone's column, 44 px targets, visible focus.
import { css } from 'lit';

export const callNoteStyles = css`
  :host {
    display: block;
    margin-top: 0.75rem;
  }
  label {
    display: block;
    font-weight: 600;
    margin-block: 0.5rem 0.25rem;
  }
  select,
  textarea {
    box-sizing: border-box;
    width: 100%;
    min-height: 2.75rem;
    font: inherit;
    padding: 0.5rem;
    border: 1px solid #9aa5b1;
    border-radius: 0.375rem;
  }
  textarea {
    min-height: 5rem;
    resize: vertical;
  }
  button {
    min-height: 2.75rem;
    min-width: 2.75rem;
    margin-top: 0.5rem;
    padding: 0.5rem 1rem;
    font: inherit;
    border-radius: 0.375rem;
    border: 1px solid #1d4ed8;
    background: #1d4ed8;
    color: #fff;
    cursor: pointer;
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  :is(select, textarea, button):focus-visible {
    outline: 3px solid #f59e0b;
    outline-offset: 2px;
  }
  .count {
    color: #5b6576;
    font-size: 0.875rem;
  }
  .saved {
    color: #166534;
  }
  .error {
    color: #b42318;
  }
`;
