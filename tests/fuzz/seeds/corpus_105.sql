select o_orderdate + interval '1' year, o_orderdate - interval '3' month, o_orderdate + 7, date '1998-12-01' - o_orderdate from orders;
