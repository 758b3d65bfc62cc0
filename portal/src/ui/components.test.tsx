import { describe, expect, it, vi } from 'vitest';
import { act } from 'preact/test-utils';
import { Modal, notify, ToastHost } from './components';
import { click, mount } from '../test/harness';

describe('notifications over a dialog', () => {
  it('give the focus back to the dialog when dismissed, so Escape still closes it', async () => {
    const onClose = vi.fn();
    await mount(
      <div>
        <Modal title="Edit" onClose={onClose}>
          <input aria-label="Name" />
        </Modal>
        <ToastHost />
      </div>,
    );
    await act(async () => notify('Saved'));
    const dismiss = document.querySelector<HTMLButtonElement>('.toasts button.close')!;
    dismiss.focus();
    await click(dismiss);
    expect(document.querySelector('.toasts .toast')).toBeNull();
    const dialog = document.querySelector<HTMLElement>('[role="dialog"]')!;
    expect(dialog.contains(document.activeElement)).toBe(true);
    await act(async () => {
      document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    expect(onClose).toHaveBeenCalledOnce();
  });
});
