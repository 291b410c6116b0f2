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
    // Saves bytes from the server as a file (CSV export).
    download(fileName, contentType, base64) {
        const link = document.createElement('a');
        link.href = `data:${contentType};base64,${base64}`;
        link.download = fileName;
        document.body.appendChild(link);
        link.click();
        link.remove();
    },
    focus(id) { document.getElementById(id)?.focus(); },
};

// ---- Pipeline board ----
// Firefox starts dragging an element only when the drag carries data; Blazor's @ondragstart cannot set any, so the
// deal cards' drags get their deal id here (the board itself tracks the dragged deal on the server).
document.addEventListener('dragstart', e => {
    if (e.target instanceof HTMLElement && e.target.matches('[data-testid="deal-card"]') && e.dataTransfer) {
        e.dataTransfer.setData('text/plain', e.target.dataset.dealId ?? '');
        e.dataTransfer.effectAllowed = 'move';
    }
});
