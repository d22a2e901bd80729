#!/usr/bin/env python3
from gongzhi.cli import main

if __name__ == "__main__":
    main()
