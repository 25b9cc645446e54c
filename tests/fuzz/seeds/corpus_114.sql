SeLeCt /* block /* nested */ comment */ l_orderkey -- line comment
FrOm LineItem;
