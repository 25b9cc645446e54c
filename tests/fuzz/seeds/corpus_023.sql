insert into orders (o_orderdate) values ('1998-02-31');
