import { download } from '../core/api.js';
import { h, notice, put } from '../core/dom.js';
import { errorText } from '../core/nav.js';

/** A download of the API's file for people (xlsx, csv-it), a failure said under the buttons. */
export function fileButton(path: string, name: string, act: string, text: string, msg: HTMLElement): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'btn btn-outline',
      'data-act': act,
      onclick: () =>
        void download(path, name).catch((e: unknown) => {
          put(msg, notice('error', errorText(e)));
        }),
    },
    text,
  );
}
