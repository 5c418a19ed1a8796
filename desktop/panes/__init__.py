"""The window's panes, left to right: the sidebar, the result list (the welcome page while the archive is
empty), and the reader with its find bar or an author's page. Each is a widget that shows what it is given
and reports the user's choices as signals."""
