insert into region values (1, 'x');
