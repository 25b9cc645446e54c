copy t from '/data/t.tbl' (format tbl, delimiter '|', header false, null '');
