select extract(year from o_comment) from orders;
