"""The local page (`cpxl ui`): the command line's work in the browser, served on 127.0.0.1 only."""
