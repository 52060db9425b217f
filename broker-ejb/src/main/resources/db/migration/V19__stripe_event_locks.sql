-- Stripe events taken in one at a time per event id (issue 11). An intake first locks the row of
-- its event id's stripe (a hash of the id, 0 to 63) with an UPDATE, then looks the id up: a second
-- delivery of the same event at once waits for the first to commit and then finds it recorded,
-- instead of failing at the insert of the same primary key (which EclipseLink logs with a stack
-- trace). Same SQL on H2 and PostgreSQL.
CREATE TABLE stripe_event_lock (
    stripe  INTEGER  PRIMARY KEY
);
INSERT INTO stripe_event_lock (stripe) VALUES
    (0), (1), (2), (3), (4), (5), (6), (7),
    (8), (9), (10), (11), (12), (13), (14), (15),
    (16), (17), (18), (19), (20), (21), (22), (23),
    (24), (25), (26), (27), (28), (29), (30), (31),
    (32), (33), (34), (35), (36), (37), (38), (39),
    (40), (41), (42), (43), (44), (45), (46), (47),
    (48), (49), (50), (51), (52), (53), (54), (55),
    (56), (57), (58), (59), (60), (61), (62), (63);
