"""Serve -> showing the graph to people: terms and labels, resource descriptions, pictures, rendered pages kept."""
