"""Pictures of the published warehouse (mentions over time, the co-mention network, the speakers
quoted most) as PNG files and one self-contained HTML page, drawn without Dagster: `data` reads the
analyst views, `drawing` draws (Matplotlib), `files` holds what the files are and checks them (light
to import), `writing` draws a report into a folder."""
