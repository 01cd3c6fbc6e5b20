import type { WebContents } from 'electron';
import { describeUrlForLog } from './request-policy';

/**
 * Per-page walls, applied to every WebContents the app creates (main calls this from `web-contents-created`):
 * no navigation away from the loaded page, no redirects, no new windows, no <webview> attachments.
 * The single-page app routes with history/hash changes, which fire none of these events.
 */
export function hardenWebContents(contents: WebContents, log: (message: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    log(`navigation refused: ${describeUrlForLog(url)}`);
    event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    log(`redirect refused: ${describeUrlForLog(url)}`);
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    log('webview refused');
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    log(`new window refused: ${describeUrlForLog(url)}`);
    return { action: 'deny' };
  });
}
