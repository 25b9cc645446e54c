select extract(century from o_orderdate) from orders;
