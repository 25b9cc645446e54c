select * from lineitem l1 join lineitem l2 using (nope);
