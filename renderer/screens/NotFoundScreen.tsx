import { hrefOf } from '../app/routes';
import { ScreenTitle, Shell } from '../components/Shell';
import { useI18n } from '../i18n';

export function NotFoundScreen({ path }: { path: string }) {
  const { t, rich } = useI18n();
  return (
    <Shell purpose={t('notFound.purpose')}>
      <ScreenTitle>{t('notFound.title')}</ScreenTitle>
      <p data-testid="not-found">{rich('notFound.text', { path: <code>{path.slice(0, 80)}</code> })}</p>
      <a className="button" href={hrefOf('start')}>
        {t('notFound.home')}
      </a>
    </Shell>
  );
}
