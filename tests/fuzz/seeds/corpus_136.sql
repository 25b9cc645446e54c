insert into dim (k) values (1);
