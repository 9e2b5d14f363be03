import { css } from 'lit';

export const settingsStyles = css`
  form {
    max-width: 44rem;
  }
  fieldset.turn {
    border: 1px solid var(--line);
    border-radius: 8px;
    margin: 0 0 1rem;
    padding: 0.75rem 1rem;
  }
  pre {
    background: #f4f6fa;
    border: 1px solid var(--line);
    border-radius: 6px;
    padding: 0.75rem;
    overflow: auto;
    max-height: 28rem;
    font-size: 0.85rem;
  }
  .generated,
  .tokens {
    margin-top: 2rem;
  }
  fieldset.scopes {
    border: 0;
    margin: 0 0 1rem;
    padding: 0;
    display: flex;
    gap: 1rem;
    flex-wrap: wrap;
  }
  input.token {
    width: 100%;
    font-family: monospace;
  }
`;
