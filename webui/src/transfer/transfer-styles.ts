// The transfer panel inside the call view: the phone's own form styles, and
// the matching agents and queues as full-width buttons (44 px touch targets).
import { css } from 'lit';
import { phoneStyles } from '../softphone/phone-styles.ts';

export const transferStyles = [
  phoneStyles,
  css`
    :host {
      margin-block: 0.75rem;
    }
    .matches {
      list-style: none;
      margin: 0.5rem 0;
      padding: 0;
      display: grid;
      gap: 0.25rem;
    }
    button.target {
      width: 100%;
      display: flex;
      justify-content: space-between;
      gap: 0.5rem;
      text-align: start;
    }
    .number {
      color: #52606d;
      font-variant-numeric: tabular-nums;
    }
  `,
];
