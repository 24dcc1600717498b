// Placeholder service worker: it exists so the MV3 manifest loads. The real
// extension (native port, menus, command handlers) replaces this file.
