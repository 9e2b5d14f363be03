// Styles of <sb-agent-state>: the softphone's look (it sits among the
// softphone's sections), a coloured dot per presence, controls that wrap on
// a 320 px screen.
import { css } from 'lit';
import { phoneStyles } from '../softphone/phone-styles.ts';

export const agentStateStyles = [
  ...phoneStyles,
  css`
    :host {
      max-width: none;
      margin-block: 0.75rem;
    }
    .state-error-text {
      margin: 0 0 0.5rem;
    }
    section {
      margin: 0;
    }
    .presence {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem;
      margin: 0;
      font-weight: 600;
    }
    .dot {
      width: 0.75rem;
      height: 0.75rem;
      border-radius: 50%;
      background: #9aa5b1;
    }
    [data-presence='available'] .dot {
      background: #188038;
    }
    [data-presence='paused'] .dot {
      background: #f9ab00;
    }
    [data-presence='signed-out'] .dot {
      background: #5f6b7a;
    }
    .since {
      color: #52606d;
      font-weight: 400;
      font-size: 0.875rem;
    }
    .badge {
      border-radius: 999px;
      padding: 0.05rem 0.55rem;
      font-size: 0.8rem;
      border: 1px solid #9aa5b1;
      font-weight: 600;
    }
    .badge.on-call {
      color: #0b57d0;
      border-color: #a8c7fa;
      background: #eef4ff;
    }
    .badge.in-wrap-up {
      color: #8a5300;
      border-color: #f0d49c;
      background: #fff8e6;
    }
    .wrap-up {
      margin: 0.5rem 0 0;
    }
    .countdown {
      font-variant-numeric: tabular-nums;
      font-weight: 700;
    }
    .queues {
      margin: 0.5rem 0 0;
    }
    .pause-reason {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: end;
      flex: 1 1 14rem;
    }
    .pause-reason > div {
      flex: 1 1 8rem;
    }
    .pause-reason label {
      margin-top: 0;
    }
    button.available[aria-pressed='true'] {
      background: #e6f4ea;
      border-color: #188038;
    }
    button.sign-out[aria-pressed='true'] {
      background: #eef0f3;
      border-color: #5f6b7a;
    }
  `,
];
