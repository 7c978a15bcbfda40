"""HTTP layer: blueprints that validate input, call services and render templates."""
