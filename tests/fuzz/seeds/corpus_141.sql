execute q(1, 'x');
