// Styles shared by <sb-softphone> and <sb-call-dialer>: one column that fits
// a 320 px phone screen, 44 px touch targets, visible focus.
import { css } from 'lit';
import { visuallyHidden } from '../ui/visually-hidden.ts';

export const phoneStyles = [
  visuallyHidden,
  css`
  :host {
    display: block;
    max-width: 28rem;
    font-family: system-ui, sans-serif;
    color: #1b2733;
  }
  section {
    border: 1px solid #d3dae1;
    border-radius: 0.75rem;
    padding: 1rem;
    margin-block: 0.75rem;
    background: #fff;
  }
  h2,
  h3 {
    margin: 0 0 0.75rem;
    font-size: 1.125rem;
  }
  label {
    display: block;
    font-weight: 600;
    margin-block: 0.5rem 0.25rem;
  }
  input,
  select {
    box-sizing: border-box;
    width: 100%;
    min-height: 2.75rem;
    font: inherit;
    padding: 0.5rem;
    border: 1px solid #9aa5b1;
    border-radius: 0.375rem;
  }
  input:focus-visible,
  select:focus-visible,
  button:focus-visible {
    outline: 3px solid #1a73e8;
    outline-offset: 2px;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-top: 0.75rem;
  }
  button {
    min-height: 2.75rem;
    min-width: 2.75rem;
    padding: 0.5rem 1rem;
    font: inherit;
    font-weight: 600;
    border-radius: 0.5rem;
    border: 1px solid #9aa5b1;
    background: #f7f9fb;
    color: #1b2733;
    cursor: pointer;
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  button.primary {
    background: #1a73e8;
    border-color: #1a73e8;
    color: #fff;
  }
  button.answer {
    background: #188038;
    border-color: #188038;
    color: #fff;
  }
  button.danger {
    background: #c5221f;
    border-color: #c5221f;
    color: #fff;
  }
  button[aria-pressed='true'] {
    background: #fef7e0;
    border-color: #b06000;
  }
  .status {
    display: inline-flex;
    align-items: center;
    gap: 0.5rem;
    font-weight: 600;
  }
  .dot {
    width: 0.75rem;
    height: 0.75rem;
    border-radius: 50%;
    background: #9aa5b1;
  }
  .status[data-status='registered'] .dot,
  .status[data-status='connected'] .dot {
    background: #188038;
  }
  .status[data-status='failed'] .dot {
    background: #c5221f;
  }
  .status[data-status='connecting'] .dot,
  .status[data-status='registering'] .dot,
  .status[data-status='reconnecting'] .dot {
    background: #f9ab00;
  }
  .reason {
    color: #52606d;
    margin: 0.25rem 0 0;
    font-size: 0.875rem;
  }
  .error {
    color: #a50e0e;
    background: #fce8e6;
    border-radius: 0.375rem;
    padding: 0.5rem 0.75rem;
    margin: 0.5rem 0 0;
  }
  .maintenance {
    color: #7a4f01;
    background: #fef7e0;
    border-radius: 0.375rem;
    padding: 0.5rem 0.75rem;
    margin: 0.5rem 0 0;
  }
  .caller {
    font-size: 1.25rem;
    font-weight: 700;
    margin: 0;
  }
  .timer {
    font-variant-numeric: tabular-nums;
    font-size: 1.5rem;
    margin: 0.25rem 0;
  }
  .incoming {
    border-color: #188038;
    background: #e6f4ea;
  }
  /* a caller back from a failed transfer: why, before Answer */
  .recall {
    color: #7a4f01;
    background: #fef7e0;
    border-radius: 0.375rem;
    padding: 0.375rem 0.625rem;
    margin: 0.5rem 0 0;
    font-size: 0.875rem;
  }
  .hint {
    color: #52606d;
    font-size: 0.875rem;
  }
  .web-origin {
    font-size: 0.875rem;
    margin: 0.25rem 0 0;
  }
  .web-badge {
    background: #174ea6;
    color: #fff;
    border-radius: 0.25rem;
    padding: 0 0.375rem;
    font-weight: 600;
  }
`,
];
