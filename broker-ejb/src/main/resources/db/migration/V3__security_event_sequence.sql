-- Security event ids come from a sequence: EclipseLink reads identity values on H2 with
-- CALL IDENTITY(), which H2 2.x no longer has. A sequence works the same on H2 and PostgreSQL.
-- (PostgreSQL already names the identity column's own sequence security_event_id_seq.)
-- It starts far above any id the identity column may already have handed out.
CREATE SEQUENCE security_event_seq START WITH 1000000000 INCREMENT BY 1;
