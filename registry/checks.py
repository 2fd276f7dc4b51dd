"""System checks of what the registry needs beyond its code."""

from django.core import checks

from registry import maps


@checks.register()
def country_shapes_installed(app_configs, **kwargs):
    """The partner map draws from the country shapes that `make install` copies (npm)."""
    if maps.ATLAS_PATH.is_file():
        return []
    return [
        checks.Warning(
            f"The country shapes of the partner map are missing ({maps.ATLAS_PATH}).",
            hint="Run `make install` (npm ci and npm run build copy them from world-atlas).",
            id="registry.W001",
        )
    ]
