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

    function addsCombobox(mutation) {
        return Array.from(mutation.addedNodes).some(
            (node) => node.nodeType === Node.ELEMENT_NODE &&
                (node.matches('.select2-container') || node.querySelector('.select2-container'))
        );
    }

    // Django's autocomplete.js builds the widgets on jQuery's DOM ready, which may come
    // before or after this script and after the page's load event, and again for each
    // inline form added. Name each combobox when select2 inserts it, whenever that is.
    function start() {
        nameComboboxes(document);
        new MutationObserver((mutations) => {
            if (mutations.some(addsCombobox)) {
                nameComboboxes(document);
            }
        }).observe(document.body, {childList: true, subtree: true});
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
}
