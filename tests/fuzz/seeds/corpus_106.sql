select * from orders where o_orderdate between '1995-01-01' and date '1996-12-31' and o_orderdate <> '1995-06-17';
