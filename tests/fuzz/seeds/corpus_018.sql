insert into nope values (1);
