-- Entities that make the headlines: mentions in titles against mentions in bodies.
SELECT entity_name, entity_type, in_titles, in_standfirsts, in_bodies
FROM mentions_by_role
WHERE in_titles > 0
ORDER BY in_titles DESC, in_bodies DESC, entity_name;
