import { css } from 'lit';

export const appStyles = css`
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 1rem;
    padding: 0.6rem 1rem;
    background: #14213d;
    color: #fff;
  }
  header a {
    color: #dfe7ff;
    text-decoration: none;
    padding: 0.3rem 0.4rem;
    border-radius: 4px;
  }
  header a[aria-current='page'] {
    background: rgb(255 255 255 / 15%);
    color: #fff;
  }
  header .brand {
    font-weight: 700;
    color: #fff;
  }
  header nav {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    flex: 1;
  }
  header button {
    background: transparent;
    color: #fff;
    border-color: rgb(255 255 255 / 45%);
  }
  header .who {
    color: #c7d2ee;
  }
  main {
    padding: 1.25rem 1rem;
    max-width: 72rem;
    margin: 0 auto;
  }
  /* the wallboard with the viewer's softphone beside it (supervisors, admins) */
  main.with-dock {
    max-width: 100rem;
    display: grid;
    grid-template-columns: minmax(0, 1fr) 22rem;
    gap: 1.25rem;
    align-items: start;
  }
  @media (max-width: 64rem) {
    main.with-dock {
      grid-template-columns: minmax(0, 1fr);
    }
  }
  .loading {
    padding: 2rem;
  }
`;
