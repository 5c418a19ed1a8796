"""The dialogs the window opens: tags, the import report, export, and the F1 list of shortcuts."""
