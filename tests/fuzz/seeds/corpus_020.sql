insert into region values ('x', 'y', 'z');
