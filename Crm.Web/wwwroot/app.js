// The browser's time zone, for the server to show and read times in it (Records/UserClock.cs).
try {
    document.cookie = `crm.tz=${encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone)}; path=/; max-age=31536000; samesite=lax`;
} catch { /* no Intl: times stay in UTC */ }

// Small browser helpers for the Blazor pages (called through JS interop as window.crm.*).
window.crm = {
    // Ctrl+K / Cmd+K (and "/" outside inputs) focus the global search box.
    installShortcuts() {
        if (window.crm._shortcuts) return;
        window.crm._shortcuts = true;
        document.addEventListener('keydown', e => {
            const typing = e.target instanceof HTMLElement && (e.target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.target.tagName));
            if (((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') || (e.key === '/' && !typing)) {
                const box = document.getElementById('global-search');
                if (box) { e.preventDefault(); box.focus(); box.select(); }
            }
        });
    },
    focus(id) { document.getElementById(id)?.focus(); },
    markInteractive() { document.documentElement.dataset.interactive = 'true'; },
};

// Settings: copy a secret shown once (a new API key, an invitation token). True when copied; false when the
// clipboard is unavailable (no secure context or permission), after selecting the text so the user can copy it.
window.crm.copyText = async function (id) {
    const input = document.getElementById(id);
    if (!input) return false;
    try {
        await navigator.clipboard.writeText(input.value);
        return true;
    } catch {
        input.focus();
        input.select();
        return false;
    }
};

// ---- Lists (CSV export) ----
// Starts a download from one of the web's own endpoints (the cookie goes along), without leaving the page.
window.crm.downloadUrl = url => {
    const link = document.createElement('a');
    link.href = url;
    link.download = '';
    document.body.appendChild(link);
    link.click();
    link.remove();
};

// ---- Comboboxes (the record picker) ----
// Enter on a highlighted option chooses it (on the server, Components/Shared/RecordPicker.razor); without this, the
// same Enter would also submit the form the picker is in. Blazor's preventDefault cannot depend on the key pressed.
document.addEventListener('keydown', e => {
    if (e.key === 'Enter' && e.target instanceof HTMLInputElement && e.target.getAttribute('role') === 'combobox'
        && e.target.getAttribute('aria-activedescendant')) {
        e.preventDefault();
    }
});

// ---- Pipeline board ----
// Firefox starts dragging an element only when the drag carries data; Blazor's @ondragstart cannot set any, so the
// deal cards' drags get their deal id here (the board itself tracks the dragged deal on the server).
document.addEventListener('dragstart', e => {
    if (e.target instanceof HTMLElement && e.target.matches('[data-testid="deal-card"]') && e.dataTransfer) {
        e.dataTransfer.setData('text/plain', e.target.dataset.dealId ?? '');
        e.dataTransfer.effectAllowed = 'move';
    }
});
