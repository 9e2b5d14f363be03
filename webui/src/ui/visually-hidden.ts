// Hidden from sight, still read by screen readers: shared by the page styles
// and the standalone softphone/dialer styles.
import { css } from 'lit';

export const visuallyHidden = css`
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
