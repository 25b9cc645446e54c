create table rr (k int4, v numeric(38,10), w float8, z double precision, s character varying(5), q string);
