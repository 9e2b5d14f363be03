// The public call page: one big, plain column that fits a 320 px phone
// screen; buttons of at least 56 px, strong focus rings, colour never the
// only signal (each button says what it does); a keypad for IVR choices.
import { css } from 'lit';
import { visuallyHidden } from '../ui/visually-hidden.ts';

export const guestStyles = [
  visuallyHidden,
  css`
    :host {
      display: block;
      max-width: 26rem;
      margin: 1rem auto;
      padding: 1rem;
      font-family: system-ui, sans-serif;
      font-size: 1.125rem;
      color: #1b2733;
    }
    h1,
    h2.title {
      font-size: 1.5rem;
      margin: 0 0 1rem;
    }
    .status {
      font-weight: 600;
      margin: 0 0 0.5rem;
    }
    .message {
      color: #a50e0e;
      background: #fce8e6;
      border-radius: 0.5rem;
      padding: 0.75rem;
      margin: 0.5rem 0;
    }
    .buttons {
      display: grid;
      gap: 0.75rem;
      margin-top: 1rem;
    }
    button {
      min-height: 3.5rem;
      font: inherit;
      font-size: 1.25rem;
      font-weight: 700;
      border-radius: 0.75rem;
      border: 2px solid #52606d;
      background: #f7f9fb;
      color: #1b2733;
      cursor: pointer;
    }
    button:focus-visible {
      outline: 4px solid #1a73e8;
      outline-offset: 3px;
    }
    button:disabled {
      opacity: 0.5;
      cursor: not-allowed;
    }
    button.call {
      background: #188038;
      border-color: #188038;
      color: #fff;
    }
    button.hangup {
      background: #c5221f;
      border-color: #c5221f;
      color: #fff;
    }
    .timer {
      font-size: 1.5rem;
      font-variant-numeric: tabular-nums;
      margin: 0.25rem 0;
    }
    .keypad {
      margin-top: 1rem;
    }
    .tones {
      margin: 0.5rem 0 0;
      color: #52606d;
    }
    button[aria-pressed='true'] {
      background: #fef7e0;
      border-color: #b06000;
    }
  `,
];
