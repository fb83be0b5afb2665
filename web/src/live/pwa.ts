/**
 * Installable and offline (issue 22), started once per tab by main.ts: the offline banner, the bed
 * board's queue sent when the network returns, and the service worker that keeps the app shell.
 */
import { startOfflineBanner } from './offline.js';
import { startOutbox } from './outbox-queue.js';

startOfflineBanner();
startOutbox();
// a failed registration (a private window, an old browser) leaves the pages working online
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => undefined);
