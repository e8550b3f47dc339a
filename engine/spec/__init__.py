"""What a diagram bundle is made of: its files, XML read safely, expressions, forms, services,
case data, and how a workflow is stored."""
