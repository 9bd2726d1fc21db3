"""Writing workbooks: the layout renderer and the batch generator."""
