select 'it''s', E'a\tb', '' from region;
