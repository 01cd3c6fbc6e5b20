import { hrefOf } from '../app/routes';
import { ScreenTitle, Shell } from '../components/Shell';

export function NotFoundScreen({ path }: { path: string }) {
  return (
    <Shell purpose="This screen does not exist">
      <ScreenTitle>There is no screen here</ScreenTitle>
      <p data-testid="not-found">
        keyshard has no screen called <code>{path.slice(0, 80)}</code>. Nothing was changed.
      </p>
      <a className="button" href={hrefOf('start')}>
        Go to the start screen
      </a>
    </Shell>
  );
}
