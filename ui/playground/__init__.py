"""The Playground page: sidebar controls, the main views, the live film while playing."""
