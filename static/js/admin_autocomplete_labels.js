'use strict';
// Django's autocomplete (select2) names its combobox by the selected text only, so a screen
// reader does not say which field it is (WCAG 4.1.2). Name it by the field's label as well.
{
    function nameComboboxes(root) {
        root.querySelectorAll('select.admin-autocomplete').forEach((select) => {
            const container = select.nextElementSibling;
            const combobox = container && container.querySelector('[role="combobox"]');
            const fieldLabel = select.id && document.querySelector(`label[for="${select.id}"]`);
            if (!combobox || !fieldLabel) {
                return;
            }
            if (!fieldLabel.id) {
                fieldLabel.id = `${select.id}-label`;
            }
            const ids = (combobox.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean);
            if (!ids.includes(fieldLabel.id)) {
                combobox.setAttribute('aria-labelledby', [fieldLabel.id, ...ids].join(' '));
            }
            // The box showing the choice is a read-only textbox: with nothing chosen it
            // would have no name at all.
            const shown = combobox.querySelector('[role="textbox"]');
            if (shown && !shown.hasAttribute('aria-labelledby')) {
                shown.setAttribute('aria-labelledby', `${fieldLabel.id} ${shown.id}`);
            }
        });
    }
    // After Django's autocomplete.js has set the widgets up (on DOM ready, and per new form).
    window.addEventListener('load', () => nameComboboxes(document));
    document.addEventListener('formset:added', (event) => {
        window.setTimeout(() => nameComboboxes(event.target), 0);
    });
}
