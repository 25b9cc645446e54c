insert into region (r_nope) values (1);
