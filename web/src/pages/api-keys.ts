import { h, put } from '../core/dom.js';
import type { Page } from '../core/page.js';
import { apiKeysSection } from '../shared/api-keys-section.js';
import { t } from '../words/i18n.js';

/** The keys alone, for the roles without the People page (shelter managers, the national network). */
export const apiKeysPage: Page = async (root, _params, claims) => {
  put(root, h('h1', {}, t('apiKeys.title')), await apiKeysSection(claims, true));
};
