"""Pictures of the published warehouse (mentions over time, the co-mention network, the speakers
quoted most) as PNG files and one self-contained HTML page, drawn without Dagster: `data` reads the
analyst views, `drawing` draws, `writing` writes the files and checks them."""
